// A department page when the hash names one (#dept=Women%20%3E%20Mugs), else the home page:
// the page says which department it shows, and the components fetch that shard.
import { visit } from "/components/flaneur-elements.js";

const dept = new URLSearchParams(location.hash.slice(1)).get("dept");
if (dept) visit(dept);
