mkdir -p sub/dir
cd sub/dir
basename_pwd=${PWD##*/}
echo $basename_pwd
cd ..
echo ${PWD##*/}
cd -  > /dev/null
echo ${PWD##*/}
cd /nonexistent_dir 2>&1
echo "s=$?"
