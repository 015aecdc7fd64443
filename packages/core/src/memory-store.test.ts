import { MemoryStore } from "./memory-store.js";
import { describeStoreContract } from "./testing/store-contract.js";

describeStoreContract("MemoryStore", { create: async () => new MemoryStore() });
