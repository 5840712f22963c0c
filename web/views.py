from django.shortcuts import render


def csrf_failure(request, reason=""):
    """Django's own page for a refused form is unstyled and uses an inline
    style the Content-Security-Policy blocks; this one explains what to do
    and gives back a comment's text, so the reader loses nothing."""
    return render(request, "403_csrf.html", {"body": request.POST.get("body", "")}, status=403)
