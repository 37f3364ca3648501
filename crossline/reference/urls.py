app_name = "reference"
urlpatterns = []
