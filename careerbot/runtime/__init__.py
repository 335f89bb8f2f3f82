"""What the process runs on: settings, logs, metrics, health, the background services'
lifecycle, the corpus watcher and the heap. Knows nothing of Discord or the application."""
