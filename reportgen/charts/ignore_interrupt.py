"""Imported first by the chart fork server only: Ctrl+C reaches the whole process group, and
the command line alone handles it (it stops the pool and exits 130). Without this the fork
server and its workers each print a KeyboardInterrupt traceback under the terminal's ^C."""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
