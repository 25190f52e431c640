//! A seeded synthetic shop with a real taxonomy (departments > categories >
//! leaves) and divergence facets, so that "one step outside the bubble" means
//! something: another colour of the same thing, or the next shelf over.
//!
//! Every item has a leaf, a colour, a material and a style (the divergence
//! facets) and a brand (not a divergence facet). Its vector is the sum of
//! directions of its department, category, leaf, colour, material and style,
//! plus noise: items of one leaf cluster, items of one colour within it
//! cluster tighter, and a sibling leaf is closer than another department.

use flaneur::util::sorted_map::SortedMap;

use flaneur::catalog::{
    Catalog, CatalogBuilder, CatalogJson, DivergencePriors, FacetJson, ItemJson, VectorKind,
};
use flaneur::testkit::Rng;

/// A category and its leaves.
pub type Category = (&'static str, [&'static str; LEAVES_PER_CATEGORY]);
/// A department and its categories.
pub type Department = (&'static str, [Category; CATEGORIES_PER_DEPARTMENT]);

/// Departments, each with its categories, each with its leaves.
pub const TAXONOMY: [Department; 4] = [
    (
        "Women",
        [
            ("Knitwear", ["Sweaters", "Cardigans", "Vests"]),
            ("Dresses", ["Day dresses", "Evening dresses", "Shirt dresses"]),
            ("Shoes", ["Boots", "Sneakers", "Sandals"]),
            ("Bags", ["Totes", "Crossbody bags", "Backpacks"]),
        ],
    ),
    (
        "Men",
        [
            ("Shirts", ["Oxford shirts", "Flannel shirts", "Polos"]),
            ("Trousers", ["Chinos", "Jeans", "Joggers"]),
            ("Outerwear", ["Parkas", "Blazers", "Rain jackets"]),
            ("Shoes", ["Boots", "Sneakers", "Loafers"]),
        ],
    ),
    (
        "Home",
        [
            ("Textiles", ["Cushions", "Throws", "Rugs"]),
            ("Tableware", ["Mugs", "Plates", "Bowls"]),
            ("Lighting", ["Table lamps", "Floor lamps", "Pendants"]),
            ("Storage", ["Baskets", "Shelves", "Boxes"]),
        ],
    ),
    (
        "Outdoor",
        [
            ("Camping", ["Tents", "Sleeping bags", "Stoves"]),
            ("Hiking", ["Daypacks", "Poles", "Gaiters"]),
            ("Cycling", ["Helmets", "Jerseys", "Gloves"]),
            ("Swim", ["Swimsuits", "Towels", "Goggles"]),
        ],
    ),
];

/// Categories per department.
pub const CATEGORIES_PER_DEPARTMENT: usize = 4;
/// Leaves per category.
pub const LEAVES_PER_CATEGORY: usize = 3;
/// All leaves.
pub const LEAVES: usize = TAXONOMY.len() * CATEGORIES_PER_DEPARTMENT * LEAVES_PER_CATEGORY;

/// Divergence facet: colour.
pub const COLOURS: [&str; 6] = ["black", "white", "red", "navy", "green", "ochre"];
/// The colours (indices into [`COLOURS`]) around a wheel: in a shop of
/// [`Colours::Wheel`], each colour's direction leans towards its two
/// neighbours on it (red next to ochre and white, and so on).
pub const COLOUR_WHEEL: [u8; 6] = [2, 5, 4, 3, 0, 1];
/// Divergence facet: material.
pub const MATERIALS: [&str; 5] = ["cotton", "wool", "leather", "linen", "recycled"];
/// Divergence facet: style.
pub const STYLES: [&str; 4] = ["classic", "minimal", "sporty", "bold"];
/// Not a divergence facet: brand.
pub const BRANDS: [&str; 8] = ["Arlo", "Brisa", "Corvo", "Dune", "Elm", "Fjord", "Gala", "Hale"];

/// Default number of items (80 per leaf, about 13 per leaf and colour).
pub const DEFAULT_ITEMS: usize = 3_840;
/// Default vector dimensions.
pub const DEFAULT_DIMS: usize = 32;

/// What the simulator knows about an item (the engine sees only the catalog).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Leaf index in `0..LEAVES`, department-major.
    pub leaf: u16,
    /// Index into [`COLOURS`].
    pub colour: u8,
    /// Index into [`MATERIALS`].
    pub material: u8,
    /// Index into [`STYLES`].
    pub style: u8,
}

/// The category (department-major index) of a leaf.
pub fn category_of(leaf: u16) -> u16 {
    leaf / LEAVES_PER_CATEGORY as u16
}

/// The department of a leaf.
pub fn department_of(leaf: u16) -> u16 {
    category_of(leaf) / CATEGORIES_PER_DEPARTMENT as u16
}

/// The full category path of a leaf ("Women > Knitwear > Sweaters").
pub fn leaf_path(leaf: u16) -> String {
    let l = leaf as usize;
    let (department, categories) = TAXONOMY[l / (CATEGORIES_PER_DEPARTMENT * LEAVES_PER_CATEGORY)];
    let (category, leaves) = categories[(l / LEAVES_PER_CATEGORY) % CATEGORIES_PER_DEPARTMENT];
    format!("{department} > {category} > {}", leaves[l % LEAVES_PER_CATEGORY])
}

/// A catalog and, per catalog position, the simulator's view of the item.
#[derive(Debug, Clone)]
pub struct Shop {
    /// The validated catalog the engine gets.
    pub catalog: Catalog,
    /// `items[i]` describes `catalog.item(i)`.
    pub items: Vec<Item>,
    /// Catalog positions of each (leaf, colour), for the shoppers' own browsing.
    pub by_leaf_colour: Vec<Vec<usize>>,
    /// The catalog's JSON form, for [`Shop::catalog_with`].
    pub json: CatalogJson,
}

impl Shop {
    /// The shop's catalog asking the reports about `departments` apart and
    /// carrying the crowd's divergence `priors` (what `flaneur catalog build
    /// --report-departments … --divergence-priors FILE` sets): the same items
    /// in the same order.
    pub fn catalog_with(&self, priors: DivergencePriors, departments: &[String]) -> Catalog {
        let j = &self.json;
        let mut builder =
            CatalogBuilder::new(j.version, j.shop.clone(), j.dims, j.vector_kind, &j.facets)
                .expect("the synthetic shop's header is valid");
        for item in &j.items {
            builder.push(item).expect("the synthetic shop's items are valid");
        }
        builder.set_divergence_priors(priors);
        builder.set_report_departments(departments.to_vec());
        builder.finish().expect("the aggregator's priors fit the shop's catalog")
    }

    /// Catalog positions of the items of `leaf` in `colour`.
    pub fn of(&self, leaf: u16, colour: u8) -> &[usize] {
        &self.by_leaf_colour[leaf as usize * COLOURS.len() + colour as usize]
    }
}

/// How the colours' directions relate to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colours {
    /// Independent random directions: no colour is nearer to one than to
    /// another (the bubble's first world).
    Independent,
    /// The same random directions, each then mixed with
    /// [`WHEEL_LEAN`] × its two neighbours on [`COLOUR_WHEEL`] and
    /// renormalised: neighbouring colours have a cosine of about 0.67, the
    /// others about 0.17 (two steps) or 0. No random draw is added, so the
    /// rest of the shop (every item's leaf, colour, material, noise…) is the
    /// one [`Colours::Independent`] draws.
    Wheel,
}

/// How much a colour's direction leans towards each neighbour on the wheel.
pub const WHEEL_LEAN: f32 = 0.5;

/// The two neighbours of `colour` on [`COLOUR_WHEEL`].
pub fn colour_neighbours(colour: u8) -> [u8; 2] {
    let n = COLOUR_WHEEL.len();
    let at = COLOUR_WHEEL.iter().position(|&c| c == colour).unwrap_or(0);
    [COLOUR_WHEEL[(at + n - 1) % n], COLOUR_WHEEL[(at + 1) % n]]
}

/// A seeded shop of `items` items with `dims`-dimensional content vectors
/// and independent colour directions (the tests' shop).
#[cfg(test)]
pub fn shop(seed: u64, items: usize, dims: usize) -> Shop {
    shop_with(seed, items, dims, Colours::Independent)
}

/// A seeded shop of `items` items with `dims`-dimensional content vectors,
/// its colour directions related as `colours` says.
pub fn shop_with(seed: u64, items: usize, dims: usize, colours: Colours) -> Shop {
    let mut rng = Rng::new(seed ^ 0x5EED_5409);
    let direction = |rng: &mut Rng| -> Vec<f32> {
        let v: Vec<f32> = (0..dims).map(|_| rng.unit() * 2.0 - 1.0).collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
        v.into_iter().map(|x| x / norm).collect()
    };
    let departments: Vec<Vec<f32>> = (0..TAXONOMY.len()).map(|_| direction(&mut rng)).collect();
    let categories: Vec<Vec<f32>> =
        (0..LEAVES / LEAVES_PER_CATEGORY).map(|_| direction(&mut rng)).collect();
    let leaves: Vec<Vec<f32>> = (0..LEAVES).map(|_| direction(&mut rng)).collect();
    let drawn: Vec<Vec<f32>> = COLOURS.iter().map(|_| direction(&mut rng)).collect();
    let colours: Vec<Vec<f32>> = match colours {
        Colours::Independent => drawn,
        Colours::Wheel => (0..COLOURS.len() as u8)
            .map(|c| {
                let [a, b] = colour_neighbours(c);
                let v: Vec<f32> = (0..dims)
                    .map(|d| {
                        drawn[c as usize][d]
                            + WHEEL_LEAN * (drawn[a as usize][d] + drawn[b as usize][d])
                    })
                    .collect();
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                v.into_iter().map(|x| x / norm).collect()
            })
            .collect(),
    };
    let materials: Vec<Vec<f32>> = MATERIALS.iter().map(|_| direction(&mut rng)).collect();
    let styles: Vec<Vec<f32>> = STYLES.iter().map(|_| direction(&mut rng)).collect();

    let mut facts = Vec::with_capacity(items);
    let mut json = Vec::with_capacity(items);
    let mut by_leaf_colour = vec![Vec::new(); LEAVES * COLOURS.len()];
    for i in 0..items {
        // Leaves are drawn at random: the shop's default order (the catalog
        // position) says nothing about the taxonomy.
        let item = Item {
            leaf: rng.below(LEAVES) as u16,
            colour: rng.below(COLOURS.len()) as u8,
            material: rng.below(MATERIALS.len()) as u8,
            style: rng.below(STYLES.len()) as u8,
        };
        let brand = BRANDS[rng.below(BRANDS.len())];
        let noise = direction(&mut rng);
        let parts: [(&[f32], f32); 7] = [
            (&departments[department_of(item.leaf) as usize], 0.45),
            (&categories[category_of(item.leaf) as usize], 0.55),
            (&leaves[item.leaf as usize], 0.6),
            (&colours[item.colour as usize], 0.35),
            (&materials[item.material as usize], 0.2),
            (&styles[item.style as usize], 0.2),
            (&noise, 0.3),
        ];
        let vector: Vec<f32> =
            (0..dims).map(|d| parts.iter().map(|(v, w)| v[d] * w).sum()).collect();
        let path = leaf_path(item.leaf);
        let noun = path.rsplit(" > ").next().unwrap_or("item").to_owned();
        let attributes = SortedMap::from([
            ("colour".to_owned(), COLOURS[item.colour as usize].to_owned()),
            ("material".to_owned(), MATERIALS[item.material as usize].to_owned()),
            ("style".to_owned(), STYLES[item.style as usize].to_owned()),
            ("brand".to_owned(), brand.to_owned()),
        ]);
        let popularity = rng.unit();
        json.push(ItemJson {
            id: format!("sku-{i:05}"),
            title: format!(
                "{} {} {} ({brand})",
                COLOURS[item.colour as usize], MATERIALS[item.material as usize], noun
            ),
            category: path,
            attributes,
            price: Some(10.0 + (rng.unit() as f64 * 190.0).round()),
            currency: Some("EUR".into()),
            available: true,
            popularity: popularity * popularity,
            released: None,
            sensitive: None,
            vector: (dims > 0).then_some(vector),
            url: None,
            image: None,
            bought_with: Vec::new(),
        });
        by_leaf_colour[item.leaf as usize * COLOURS.len() + item.colour as usize].push(i);
        facts.push(item);
    }
    let facets = SortedMap::from([
        ("colour".to_owned(), FacetJson { divergence: true }),
        ("material".to_owned(), FacetJson { divergence: true }),
        ("style".to_owned(), FacetJson { divergence: true }),
        ("brand".to_owned(), FacetJson { divergence: false }),
    ]);
    let catalog = CatalogJson {
        version: 1,
        shop: "flaneur-eval".into(),
        dims,
        vector_kind: VectorKind::Content,
        facets,
        items: json,
    };
    let json = catalog.clone();
    let catalog = Catalog::from_json(catalog).expect("the synthetic shop is a valid catalog");
    Shop { catalog, items: facts, by_leaf_colour, json }
}
