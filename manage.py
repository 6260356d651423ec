#!/usr/bin/env python3
from open137.cli import main

if __name__ == "__main__":
    main()
