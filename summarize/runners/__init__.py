"""What drives the stages: in this process, in several processes, on Ray."""
