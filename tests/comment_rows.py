"""Comments written straight to the database, past the services that count
them: a test that uses them says when it recounts."""

from comments.models import Comment, Status


def comment(article, name, *, status=Status.PENDING, parent=None):
    return Comment.objects.create(
        article=article,
        parent=parent,
        in_reply_to=parent,
        name=name,
        email=f"{name.lower()}@example.org",
        body=f"{name} writes.",
        status=status,
    )
