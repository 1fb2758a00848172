import { createMemoryJournal } from '../src/store/memory-journal.js';
import { describeJournalContract } from './helpers/journal-contract.js';

describeJournalContract('memory journal', () => createMemoryJournal());
