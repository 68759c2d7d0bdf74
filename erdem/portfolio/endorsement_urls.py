"""Endorsements, the CLR export and career reviews (included by erdem/portfolio/urls.py, namespace portfolio)."""

from django.urls import URLPattern, path

from erdem.portfolio import endorsement_views, review_views

urlpatterns: list[URLPattern] = [
    path(
        "entries/<uuid:public_id>/endorsements/ask/",
        endorsement_views.endorsement_request,
        name="endorsement_request",
    ),
    path("endorsements/", endorsement_views.endorsements, name="endorsements"),
    path("endorsements/<uuid:public_id>/", endorsement_views.endorsement, name="endorsement"),
    path(
        "endorsements/<uuid:public_id>/credential/",
        endorsement_views.endorsement_credential,
        name="endorsement_credential",
    ),
    path("record/clr/", endorsement_views.clr, name="clr"),
    path("reviews/", review_views.reviews, name="reviews"),
    path("reviews/<int:pk>/", review_views.review, name="review"),
]
