"""Bulk registration: reading CSV, XLSX and JSON files as streams of rows, turning a row into the command
a single registration takes, mapping pre-2025 addresses to 2025 communes, and the worker that processes
jobs in batches with a checkpoint."""
