trap 'echo x' EXIT
trap 'echo int' INT
trap
trap - INT
trap
trap - EXIT
echo end
