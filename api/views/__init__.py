"""The API's views: thin. A scoped selector finds the object (404 outside scope), a serializer
checks the input, the app's services write, and json_format-shaped documents come back."""
