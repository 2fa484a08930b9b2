print("roost-sim: not yet implemented")
