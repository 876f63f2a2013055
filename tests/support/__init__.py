"""The one process harness of the tests with real services (tests/faults, tests/deploy, the
gunicorn and worker tests) and of the benchmarks (bench/): every child process they start is
started here.

- processes: a free port, waiting with a deadline, the Process base (own process group, log
  file, stop), gunicorn, Celery workers and their environments on the test database;
- broker: a private redis-server and this process's Celery app pointed at it;
- postgres: a private PostgreSQL cluster that a test may stop and restart;
- smtp: an SMTP sink in a thread;
- proxies: nginx and Caddy with the shipped configurations (deploy/);
- rawhttp: a raw HTTP exchange over a socket.

Importing these modules needs neither pytest nor Django settings (bench/ imports them from plain
scripts); a failure fails the test under pytest and ends the script otherwise."""
