"""Single sign-on with the company identity provider."""
