// Writes packages/contracts/asyncapi.json: `npm run contracts:asyncapi` (after the event definitions change).
import fs from 'node:fs';
import path from 'node:path';
import { asyncApiJson } from './asyncapi';

const file = path.join(__dirname, '..', 'asyncapi.json');
fs.writeFileSync(file, asyncApiJson());
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
