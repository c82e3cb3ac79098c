// Business rules arrive with the rules issue.
