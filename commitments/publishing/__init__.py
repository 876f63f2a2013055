"""A plan published as PDF: the coordinator's request, the rendering and its Celery tasks
(services), the document itself (pdf), its download (views, selectors) and admin."""
