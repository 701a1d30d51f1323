// NEVRStreaming
