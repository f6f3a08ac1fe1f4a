"""Tests of the benchmark harness (bench/) against real emulator stores."""
