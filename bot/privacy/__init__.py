"""Privacy and security (issue 10): membership that holds across replicas, retention, throttles."""
