"""The test suite: a folder per package of bc_pipeline (and the emulator), support modules at this level."""
