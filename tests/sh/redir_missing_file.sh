cat < nonexistent
echo "status $?"
echo x > /nonexistent/dir/file
echo "status $?"
