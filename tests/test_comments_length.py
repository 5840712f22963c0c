"""The 2000-character rule, counted as a reader sees it, in the form and in the database."""

import pytest
from django.db import IntegrityError, transaction

from comments.forms import CommentForm
from comments.models import Comment

EMOJI = "\N{SMILING FACE WITH HEART-SHAPED EYES}"


def body_of(length):
    """`length` characters as a reader counts them, written with CRLF newlines,
    an emoji (two UTF-16 units, four UTF-8 bytes) and surrounding whitespace."""
    core = EMOJI + "\r\n" + "a" * (length - 2)
    return "  \r\n\t" + core + " \r\n "


def form_for(article, body, comment_data):
    return CommentForm({**comment_data, "body": body}, article=article)


@pytest.mark.parametrize("length", [1999, 2000])
def test_form_accepts_a_comment_up_to_2000_characters(article, comment_data, length):
    form = form_for(article, body_of(length), comment_data)
    assert form.is_valid(), form.errors


def test_form_refuses_2001_characters_saying_how_many_were_written(article, comment_data):
    form = form_for(article, body_of(2001), comment_data)
    assert not form.is_valid()
    assert form.errors["body"] == ["Comments can be at most 2000 characters (you wrote 2001)."]


def test_form_stores_the_body_with_lf_newlines_and_no_surrounding_whitespace(article, comment_data):
    form = form_for(article, body_of(2000), comment_data)
    form.is_valid()
    assert form.cleaned_data["body"] == EMOJI + "\n" + "a" * 1998


def test_form_refuses_a_comment_of_only_whitespace(article, comment_data):
    form = form_for(article, " \r\n\t ", comment_data)
    assert form.errors["body"] == ["Enter your comment."]


@pytest.mark.parametrize("length", [1999, 2000])
def test_database_accepts_a_stored_body_up_to_2000_characters(article, length):
    comment = Comment.objects.create(article=article, name="A", email="a@example.org", body=body_of(length))
    comment.refresh_from_db()
    assert len(comment.body) == length


def test_database_refuses_a_stored_body_of_2001_characters(article):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(article=article, name="A", email="a@example.org", body=body_of(2001))


def test_database_constraint_holds_even_when_save_is_bypassed(pending_comment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=pending_comment.pk).update(body=EMOJI * 2001)


def test_database_refuses_a_body_stored_with_cr_newlines_which_would_miscount(pending_comment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=pending_comment.pk).update(body="a\r\nb")


def test_database_counts_an_emoji_as_one_character(article):
    Comment.objects.create(article=article, name="A", email="a@example.org", body=EMOJI * 2000)
    assert Comment.objects.get().body == EMOJI * 2000
