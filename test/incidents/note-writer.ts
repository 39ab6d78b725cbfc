// A second process for the lock test: adds `count` notes to one incident through the store,
// each a read-change-write under the incident's lock.
import { openStore } from "../../lib/backup/store.js";
import { IncidentStore } from "../../lib/incidents/store.js";

const [dir, platform, environment, id, count, tag] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const store = new IncidentStore(
  await openStore({
    kind: "file",
    path: dir,
    url: `file://${dir}`,
    volumeSize: "1Gi",
    storageClass: undefined,
  }),
  {
    name: platform,
    environment: environment as "dev",
  },
);
for (let i = 0; i < Number(count); i++) {
  await store.change(id, tag, (incident) => {
    incident.entries.push({
      time: new Date().toISOString(),
      author: tag,
      kind: "note",
      text: `${tag} ${i}`,
    });
  });
}
