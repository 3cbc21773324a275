"""Tests of perfkit.lake (a package, so that its module names do not clash with tests/)."""
