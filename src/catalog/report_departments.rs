//! The departments a shop's anonymous reports ask about apart (issue #24):
//! the granularity the shop chooses for learning divergence take-up. With
//! none, the report questions and the crowd's priors are per divergence axis
//! (`colour`); with departments listed, also per axis within each listed
//! department (`colour@Women`), a *group*. A department is a top-level
//! category, the first level of a category path.

use super::item::Facet;
use super::taxonomy::SEPARATOR;

/// Most departments a catalog may list for its reports: every listed
/// department multiplies the questions, and so divides the reports each
/// question gets.
pub const MAX_REPORT_DEPARTMENTS: usize = 16;
/// Most bytes of a listed department's name.
pub const MAX_DEPARTMENT_BYTES: usize = 128;
/// Most groups a catalog's reports may ask about, axes included (and so
/// most crowd priors a catalog carries, one per group).
pub const MAX_REPORT_GROUPS: usize = 256;
/// Between an axis and a department in a group's name (`colour@Women`).
pub const GROUP_SEPARATOR: char = '@';

/// The department of a category path: its first level.
///
/// ```
/// use flaneur::catalog::department_of;
/// assert_eq!(department_of("Women > Knitwear > Sweaters"), "Women");
/// assert_eq!(department_of("Garden"), "Garden");
/// ```
pub fn department_of(path: &str) -> &str {
    path.split_once(SEPARATOR).map_or(path, |(first, _)| first)
}

/// The group of `axis` within `department` (`colour@Women`).
pub fn report_group(axis: &str, department: &str) -> String {
    format!("{axis}{GROUP_SEPARATOR}{department}")
}

/// Why `departments` cannot be the report departments of a catalog with
/// `facets` (`None`: they can). Checks: at most [`MAX_REPORT_DEPARTMENTS`};
/// each non-empty, at most [`MAX_DEPARTMENT_BYTES`], trimmed, without `>` or
/// [`GROUP_SEPARATOR`], and given once; with any listed, no divergence facet
/// name holding [`GROUP_SEPARATOR`] (a group's name must say which axis it
/// is) and at most [`MAX_REPORT_GROUPS`] groups in all, axes included.
///
/// ```
/// use flaneur::catalog::{Facet, why_not_report_departments};
/// let colour = [Facet { name: "colour".into(), divergence: true }];
/// assert_eq!(why_not_report_departments(&["Women".into(), "Men".into()], &colour), None);
/// assert!(why_not_report_departments(&["Women > Tops".into()], &colour).is_some());
/// ```
pub fn why_not_report_departments(departments: &[String], facets: &[Facet]) -> Option<String> {
    if departments.is_empty() {
        return None;
    }
    if departments.len() > MAX_REPORT_DEPARTMENTS {
        return Some(format!(
            "{} departments, at most {MAX_REPORT_DEPARTMENTS}",
            departments.len()
        ));
    }
    for (i, department) in departments.iter().enumerate() {
        if department.is_empty()
            || department.len() > MAX_DEPARTMENT_BYTES
            || department.trim() != department
            || department.contains('>')
            || department.contains(GROUP_SEPARATOR)
        {
            return Some(format!(
                "{department:?}: a department is a top-level category's name, non-empty, at \
                 most {MAX_DEPARTMENT_BYTES} bytes, trimmed, without '>' or \
                 '{GROUP_SEPARATOR}'"
            ));
        }
        if departments[..i].contains(department) {
            return Some(format!("{department:?} is listed twice"));
        }
    }
    let axes: Vec<&Facet> = facets.iter().filter(|f| f.divergence).collect();
    if let Some(facet) = axes.iter().find(|f| f.name.contains(GROUP_SEPARATOR)) {
        return Some(format!(
            "the divergence facet {:?} holds '{GROUP_SEPARATOR}', which would make its groups' \
             names ambiguous",
            facet.name
        ));
    }
    let groups = (axes.len() + 1) * (departments.len() + 1);
    (groups > MAX_REPORT_GROUPS).then(|| {
        format!(
            "{} divergence axes × {} departments make {groups} groups, at most \
             {MAX_REPORT_GROUPS}",
            axes.len() + 1,
            departments.len() + 1
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn every_rule_is_checked() {
        let colour = [Facet { name: "colour".into(), divergence: true }];
        assert_eq!(why_not_report_departments(&[], &colour), None);
        assert_eq!(why_not_report_departments(&named(&["Home & Garden", "Men"]), &colour), None);
        for bad in [
            named(&[""]),
            named(&[" Women"]),
            named(&["Women > Tops"]),
            named(&["Women@Shoes"]),
            named(&["Men", "Men"]),
            vec!["x".repeat(MAX_DEPARTMENT_BYTES + 1)],
            (0..=MAX_REPORT_DEPARTMENTS).map(|i| format!("d{i}")).collect(),
        ] {
            assert!(why_not_report_departments(&bad, &colour).is_some(), "{bad:?}");
        }
        let at = [Facet { name: "size@eu".into(), divergence: true }];
        assert!(why_not_report_departments(&named(&["Men"]), &at).unwrap().contains("ambiguous"));
        assert_eq!(why_not_report_departments(&[], &at), None);
        let many: Vec<Facet> =
            (0..20).map(|i| Facet { name: format!("f{i}"), divergence: true }).collect();
        let departments: Vec<String> = (0..12).map(|i| format!("d{i}")).collect();
        assert!(why_not_report_departments(&departments, &many).unwrap().contains("groups"));
    }

    #[test]
    fn a_path_is_in_its_first_level() {
        assert_eq!(department_of("Women > Tops"), "Women");
        assert_eq!(report_group("colour", department_of("Women > Tops")), "colour@Women");
    }
}
