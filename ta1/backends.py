from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend


class LockoutModelBackend(AxesStandaloneBackend, ModelBackend):
    """Django's ModelBackend behind django-axes' lockout check, as ONE backend.
    With two configured, Django's permission queries (`User.objects.with_perm`,
    used to find the moderators to notify) refuse to run without a backend
    named. A locked-out sign-in is refused before any password is hashed."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # The lockout is per client address, so only a request has one;
        # authenticate() called from code (a test's client.login()) skips it.
        if request is not None:
            AxesStandaloneBackend.authenticate(self, request, username=username, password=password, **kwargs)
        return ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)
