#!/usr/bin/env node
import { main } from '../dist/seqlab.js';

process.exitCode = await main(process.argv.slice(2));
