//! Category paths ("Women > Knitwear > Sweaters") interned into a tree.

use std::collections::HashMap;

/// Index of a node in a [`Taxonomy`].
pub type CategoryId = u32;

/// The separator between levels of a category path.
pub const SEPARATOR: &str = " > ";

#[derive(Debug, Clone)]
struct Node {
    path: String,
    parent: Option<CategoryId>,
    depth: u8,
}

/// Every category path of a catalog and all their prefixes, each stored once.
///
/// ```
/// use flaneur::catalog::Taxonomy;
/// let mut t = Taxonomy::default();
/// let leaf = t.intern("Women > Knitwear > Sweaters").unwrap();
/// let paths: Vec<&str> = t.lineage(leaf).map(|id| t.path(id)).collect();
/// assert_eq!(paths, ["Women", "Women > Knitwear", "Women > Knitwear > Sweaters"]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    nodes: Vec<Node>,
    by_path: HashMap<String, CategoryId>,
}

impl Taxonomy {
    /// About the bytes it holds: each node, its path twice (the node's and
    /// the lookup's), and the lookup's slots.
    pub fn held_bytes(&self) -> usize {
        let paths: usize = self.nodes.iter().map(|n| n.path.capacity()).sum();
        let node = std::mem::size_of::<Node>();
        self.nodes.capacity() * node + 2 * paths + self.by_path.capacity() * (node + 8)
    }

    /// Adds a path (and its prefixes) and returns its leaf. `None` when a level is empty.
    pub fn intern(&mut self, path: &str) -> Option<CategoryId> {
        // A path as this taxonomy writes it, held already (every item after its category's first).
        if let Some(&id) = self.by_path.get(path) {
            return Some(id);
        }
        let mut parent: Option<CategoryId> = None;
        let mut full = String::with_capacity(path.len());
        for (depth, level) in path.split('>').map(str::trim).enumerate() {
            if level.is_empty() || depth > u8::MAX as usize {
                return None;
            }
            if depth > 0 {
                full.push_str(SEPARATOR);
            }
            full.push_str(level);
            let id = match self.by_path.get(&full) {
                Some(&id) => id,
                None => {
                    let id = self.nodes.len() as CategoryId;
                    self.nodes.push(Node { path: full.clone(), parent, depth: depth as u8 });
                    self.by_path.insert(full.clone(), id);
                    id
                }
            };
            parent = Some(id);
        }
        parent
    }

    /// The normalised full path of a node ("Women > Knitwear").
    pub fn path(&self, id: CategoryId) -> &str {
        &self.nodes[id as usize].path
    }

    /// Depth of a node: 0 for a department, 1 for its children, …
    pub fn depth(&self, id: CategoryId) -> usize {
        self.nodes[id as usize].depth as usize
    }

    /// The parent of a node, `None` for a department.
    pub fn parent(&self, id: CategoryId) -> Option<CategoryId> {
        self.nodes[id as usize].parent
    }

    /// The node with this full path.
    pub fn find(&self, path: &str) -> Option<CategoryId> {
        self.by_path.get(path).copied()
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether no path was interned.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node and its ancestors, root first.
    pub fn lineage(&self, id: CategoryId) -> impl Iterator<Item = CategoryId> + '_ {
        let mut chain = Vec::with_capacity(self.depth(id) + 1);
        let mut at = Some(id);
        while let Some(node) = at {
            chain.push(node);
            at = self.parent(node);
        }
        chain.into_iter().rev()
    }
}
