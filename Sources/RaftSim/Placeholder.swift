// RaftSim
