"""What a run writes: pages, results and the run report."""
