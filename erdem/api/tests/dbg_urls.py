from django.urls import include, path
urlpatterns = [path("api/v1/", include("erdem.api.urls"))]
