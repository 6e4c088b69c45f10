"""The previous round (issue 23): earlier results.json files as values to show and compare.

``load.load_previous`` reads one or more results.json of the earlier round into a
``PreviousRound`` (per city: inputs, total, rank, first-level scores, status, round name);
``editions`` maps an earlier catalog edition's codes and input names onto the current one.
"""
