from erdem.recognition import framework_urls, request_urls

app_name = "recognition"

urlpatterns = [*request_urls.urlpatterns, *framework_urls.urlpatterns]
