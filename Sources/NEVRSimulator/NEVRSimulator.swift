// NEVRSimulator
