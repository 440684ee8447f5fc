#!/bin/sh
# tests/pg/newdb.sh - creates a fresh database in the test cluster named by
# $KH_TEST_PG (a URI template, %s = database name) and prints its URI.
set -eu
name=kh_$(date +%s)_$$_$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
uri=$(printf "$KH_TEST_PG" "$name")
admin=$(printf "$KH_TEST_PG" postgres)
psql -X -q -d "$admin" -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" >/dev/null
echo "$uri"
