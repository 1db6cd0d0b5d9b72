//! The default theme is compiled into the binary (include_dir!), which cargo does not track:
//! rebuild when a theme file changes.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=config.yaml");
}
