"""The desk's pages: operator intake, supervisor queues, unit inbox, the request page."""
