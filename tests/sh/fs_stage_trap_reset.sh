# A stage starts with the signals its shell ignores by `trap ''` ignored,
# and `trap -` gives them back (as in a dash subshell): the command it
# runs then may trap INT again. (test_sh_jobs.py checks the ignores that
# stay: the host build's spawn resets INT, so they are not here.)
trap '' INT
{ trap - INT; sh -c 'trap "echo caught" INT; kill -INT $$; echo after'; } | cat
# sh_diff: not in a background job -- there INT is ignored for good (a
# script's job), which the host build's spawn, resetting INT, cannot show.
