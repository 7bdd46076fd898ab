(trap 'echo sub-exit' EXIT; echo body)
echo after
