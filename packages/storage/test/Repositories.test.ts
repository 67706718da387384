import * as TestDatabase from "@aiu/storage/TestDatabase"
import { suite } from "./RepositorySuite.js"

for (const backend of TestDatabase.backends()) suite(backend)
