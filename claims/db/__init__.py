"""Storage for the claims package: tables and the service functions over them."""
