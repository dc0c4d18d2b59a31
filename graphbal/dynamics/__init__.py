"""Dynamics: rate RNN simulation (``rnn``), tasks, optional training, spiking networks."""
