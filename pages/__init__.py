"""The article page: the one place that composes an article's content with its
comments, above both apps. `renderer.render_article_page()` is the one
renderer every variant of the page goes through: the shared public page, the
commenter's own page, and staff previews."""
