#!/usr/bin/env node
// Runs the compiled CLI; `npm install` compiles it through the prepare script.
require('../dist/cli/main.js');
