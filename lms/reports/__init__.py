"""Reports: views of training records and the files people take away."""
