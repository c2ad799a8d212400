"""The textbook DRF version of the users API, served beside Userbase as the benchmark's baseline."""
