// Qlik's own client, @qlik/api, calling this service as a Qlik integration calls Qlik Cloud: with an API key, listing
// and reading keys. Run by QlikClientTests from the folder npm installed @qlik/api into.
//   node qlik-client.mjs <host> <api key>
import { getApiKey, getApiKeys } from "@qlik/api/api-keys";

const [host, apiKey] = process.argv.slice(2);
const hostConfig = { authType: "apikey", host, apiKey };
const listed = await getApiKeys({ limit: 100 }, { hostConfig });
const keys = await Promise.all(listed.data.data.map(async (key) => {
  const read = await getApiKey(key.id, { hostConfig });
  return { id: key.id, listed: key.status, read: read.data.status };
}));
console.log(JSON.stringify({ status: listed.status, keys }));
