#!/bin/sh
# tests/pg/newdb.sh - creates a fresh database in the test cluster named by
# $KH_TEST_PG (a URI template, %s = database name) and prints its URI.
set -eu
name=kh_$(date +%s)_$$_$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
uri=$(printf "$KH_TEST_PG" "$name")
admin=$(printf "$KH_TEST_PG" postgres)
# A Chinese collation, as a college's server may well have: kaohe must not
# depend on the database's text order.
psql -X -q -d "$admin" -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name LOCALE_PROVIDER icu ICU_LOCALE 'zh' LOCALE 'C.UTF-8' TEMPLATE template0" >/dev/null
echo "$uri"
