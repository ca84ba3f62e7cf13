// Stores start from dumps and servers bind real ports: allow for a slow, shared CI machine.
jest.setTimeout(60_000);
