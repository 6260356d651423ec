"""The test runner: Django's, with static files served from the source folders."""

import logging
import os
import secrets
import warnings
from typing import Any

import hypothesis
from django.conf import settings
from django.test.runner import DiscoverRunner

# Property tests must not fail because a loaded machine ran one example slowly.
hypothesis.settings.register_profile("open137", deadline=None, max_examples=100)
hypothesis.settings.load_profile("open137")


class Runner(DiscoverRunner):
    """Tests render pages without running collectstatic first, so no manifest exists."""

    def setup_test_environment(self, **kwargs: Any) -> None:
        super().setup_test_environment(**kwargs)
        if not os.environ.get("SECRET_KEY"):
            # A throwaway key, also for the commands tests run in other processes; a key
            # file is written only by `migrate` and `serve` outside tests.
            os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
            settings.SECRET_KEY = os.environ["SECRET_KEY"]
        # Static files come from the source folders here; collectstatic never ran.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        settings.WHITENOISE_USE_FINDERS = True
        # Password hashing is deliberately slow; tests create many users.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # The test client's login() passes no request, which the lockout backend needs;
        # the lockout has its own tests with it switched on.
        settings.AXES_ENABLED = False
        # Tests ask for many refusals on purpose; only server errors belong in the output.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        logging.getLogger("django.security").setLevel(logging.ERROR)
        # The lockout tests fail sign-ins on purpose; each failure is logged at length.
        logging.getLogger("axes").setLevel(logging.ERROR)
